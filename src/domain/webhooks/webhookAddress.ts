import { BlockList, isIP } from "node:net";
import { invalid } from "../errors.ts";

// Webhook URLs are chosen by an admin, and the server posts to them: without a rule, a webhook
// could reach the machine's own services or the private network behind it (SSRF). Addresses that
// are not public are refused, when the webhook is saved (a literal address, or a name such as
// `localhost`) and again at each delivery (every address the name resolves to, and the connection
// goes to the address that was checked), unless WEBHOOK_ALLOW_PRIVATE is set.

const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ["0.0.0.0", 8], ["10.0.0.0", 8], ["100.64.0.0", 10], ["127.0.0.0", 8], ["169.254.0.0", 16], ["172.16.0.0", 12],
  ["192.0.0.0", 24], ["192.0.2.0", 24], ["192.88.99.0", 24], ["192.168.0.0", 16], ["198.18.0.0", 15], ["198.51.100.0", 24],
  ["203.0.113.0", 24], ["224.0.0.0", 4], ["240.0.0.0", 4],
] as const) PRIVATE.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::", 128], ["::1", 128], ["64:ff9b::", 96], ["64:ff9b:1::", 48], ["100::", 64], ["2001:db8::", 32], ["fc00::", 7], ["fe80::", 10], ["fec0::", 10], ["ff00::", 8],
] as const) PRIVATE.addSubnet(network, prefix, "ipv6");

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;
const LOCAL_NAMES = /(^|\.)(localhost|local|localdomain|internal|intranet|lan|home\.arpa)$/i;

/** Whether an IP address is loopback, private, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const mapped = MAPPED_V4.exec(address)?.[1];
  if (mapped) return isPrivateAddress(mapped);
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, "ipv4");
  if (family === 6) {
    // ::ffff:7f00:1 is 127.0.0.1 written in hex groups.
    const hexMapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/i.exec(address);
    if (hexMapped) {
      const high = Number.parseInt(hexMapped[1] ?? "0", 16);
      const low = Number.parseInt(hexMapped[2] ?? "0", 16);
      return isPrivateAddress(`${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`);
    }
    return PRIVATE.check(address, "ipv6");
  }
  return true; // not an address at all: never treated as a public one
}

/** The host of a URL without IPv6 brackets. */
export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1");
}

/**
 * Checks a webhook URL as it is saved and returns it normalized: http(s), no credentials, and,
 * unless `allowPrivate`, no literal private address nor a name that only a local network knows.
 * Names are resolved (and checked again) at each delivery, not here.
 */
export function checkWebhookUrl(raw: string, allowPrivate: boolean): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw invalid("webhook_url_invalid", "The URL is not valid; give a full address such as https://example.com/hooks/destek.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid("webhook_url_invalid", "The URL must start with https:// or http://.");
  if (url.username || url.password) throw invalid("webhook_url_invalid", "The URL must not carry a user name or password; the receiver checks the signature instead.");
  if (url.href.length > 2000) throw invalid("webhook_url_invalid", "The URL is longer than 2000 characters.");
  const host = hostOf(url);
  if (!allowPrivate && (isIP(host) ? isPrivateAddress(host) : LOCAL_NAMES.test(host.replace(/\.$/, "")))) {
    throw invalid("webhook_url_private", "The URL points at a private or loopback address; webhooks go to public addresses only (WEBHOOK_ALLOW_PRIVATE=true allows others).");
  }
  url.hash = "";
  return url.href;
}
