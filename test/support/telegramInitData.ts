import { createHmac } from "node:crypto";

/**
 * `initData` as Telegram hands it to a Mini App, signed with the bot's token the way Telegram does
 * (https://core.telegram.org/bots/webapps#validating-data-received-via-the-mini-app).
 */
export function signedInitData(
  botToken: string,
  fields: { userId: number; authDate?: number; startParam?: string; languageCode?: string },
): string {
  const params = new URLSearchParams({
    query_id: "AAHdF6IQAAAAAN0XohDhrOrc",
    user: JSON.stringify({ id: fields.userId, first_name: "Agent", username: `agent${fields.userId}`, language_code: fields.languageCode ?? "en" }),
    auth_date: String(fields.authDate ?? Math.floor(Date.now() / 1000)),
    ...(fields.startParam ? { start_param: fields.startParam } : {}),
  });
  const check = [...params.entries()].map(([key, value]) => `${key}=${value}`).sort().join("\n");
  const secret = createHmac("sha256", "WebAppData").update(botToken).digest();
  params.set("hash", createHmac("sha256", secret).update(check).digest("hex"));
  return params.toString();
}
