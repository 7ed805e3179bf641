import { textOnAccent } from "../accentColor";

/**
 * The launcher's whole stylesheet. It lives in the closed shadow root, so the host page's CSS
 * cannot reach in and ours cannot leak out. `color` is validated by parseAccent before it gets here.
 */
export function launcherCss(color: string, side: "left" | "right"): string {
	return `
:host{all:initial}
*{box-sizing:border-box}
.launcher,.panel{position:fixed;z-index:2147483000;${side}:20px}
.launcher{bottom:20px;width:56px;height:56px;border:0;border-radius:50%;padding:0;margin:0;cursor:pointer;
background:${color};color:${textOnAccent(color)};box-shadow:0 4px 14px rgba(0,0,0,.25);
display:flex;align-items:center;justify-content:center;transition:transform .15s ease}
.launcher:hover{transform:scale(1.06)}
.launcher:focus{outline:none}
.launcher:focus-visible{box-shadow:0 0 0 3px #fff,0 0 0 6px ${color},0 4px 14px rgba(0,0,0,.25)}
.launcher svg{width:28px;height:28px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
.launcher .close,.open .launcher .chat{display:none}
.open .launcher .close{display:block}
.badge{position:absolute;top:-4px;${side === "left" ? "right" : "left"}:-4px;min-width:22px;height:22px;padding:0 6px;
border-radius:11px;background:#c81e1e;color:#fff;font:700 12px/22px system-ui,sans-serif;text-align:center;
border:2px solid #fff}
.badge::after{content:attr(data-n)}
.badge[hidden]{display:none}
.panel{bottom:88px;width:380px;height:min(600px,calc(100vh - 108px));border-radius:16px;overflow:hidden;
background:transparent;box-shadow:0 12px 40px rgba(0,0,0,.22);visibility:hidden;opacity:0;
transform:translateY(12px);transition:opacity .18s ease,transform .18s ease,visibility 0s linear .18s}
.open .panel{visibility:visible;opacity:1;transform:none;transition:opacity .18s ease,transform .18s ease}
iframe{display:block;width:100%;height:100%;border:0;color-scheme:normal}
.pv{position:fixed;z-index:2147483000;bottom:20px;${side}:88px;max-width:min(300px,calc(100vw - 108px))}
.pvb{display:flex;align-items:flex-start;background:#fff;color:#1f2328;border-radius:12px;
box-shadow:0 4px 18px rgba(0,0,0,.2);font:14px/1.4 system-ui,sans-serif}
.pvb[hidden],.open .pvb{display:none}
.pvo{flex:1;min-width:0;display:block;border:0;background:none;color:inherit;font:inherit;text-align:left;padding:10px 4px 10px 14px;cursor:pointer}
.pvo b,.pvo span{display:block;overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.pvo b{font-size:13px;margin-bottom:2px}
.pvx{flex:none;width:32px;height:32px;margin:4px;border:0;border-radius:50%;background:none;color:#57606a;cursor:pointer;padding:6px}
.pvx svg{width:20px;height:20px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round}
.pvo:focus-visible,.pvx:focus-visible{outline:2px solid ${color};outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
@media (max-width:480px){
.panel{inset:0;width:100%;height:100%;border-radius:0}
.open .launcher{display:none}
}
@media (prefers-reduced-motion:reduce){.launcher,.panel,.open .panel{transition:none}}
`;
}
