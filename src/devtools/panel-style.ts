/**
 * The panel's stylesheet, scoped by the shadow root. Colours are custom properties per
 * theme (`theme` attribute on the host: light, dark, or auto following the system).
 */
const LIGHT =
  '--bg:#fff;--fg:#1f2328;--muted:#59636e;--line:#d1d9e0;--soft:#f6f8fa;--hover:#eef1f4;--accent:#0969da;--accent-fg:#fff;' +
  '--danger:#cf222e;--ok:#1a7f37;--warn:#9a6700;--chip:#ddf4ff;--chip-fg:#0550ae;--shadow:0 8px 28px rgba(31,35,40,.18),0 1px 3px rgba(31,35,40,.12)';
const DARK =
  '--bg:#161b22;--fg:#e6edf3;--muted:#9198a1;--line:#30363d;--soft:#0d1117;--hover:#21262d;--accent:#4493f8;--accent-fg:#0d1117;' +
  '--danger:#f85149;--ok:#3fb950;--warn:#d29922;--chip:#172b45;--chip-fg:#79c0ff;--shadow:0 8px 28px rgba(1,4,9,.6),0 1px 3px rgba(1,4,9,.5)';

/** The CSS of `<cachette-devtools>` and of the extension panel. */
export const PANEL_CSS = `
:host{all:initial;${LIGHT};color-scheme:light}
:host([theme=dark]){${DARK};color-scheme:dark}
@media (prefers-color-scheme:dark){:host([theme=auto]){${DARK};color-scheme:dark}}
*{box-sizing:border-box}
[hidden]{display:none!important}
.dock{position:fixed;z-index:2147483000;display:flex;flex-direction:column-reverse;align-items:flex-end;gap:10px;bottom:16px;right:16px;font:12px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg)}
:host([position=bottom-left]) .dock{right:auto;left:16px;align-items:flex-start}
:host([position=top-right]) .dock{bottom:auto;top:16px;flex-direction:column}
:host([position=top-left]) .dock{bottom:auto;top:16px;right:auto;left:16px;flex-direction:column;align-items:flex-start}
.toggle{width:40px;height:40px;border-radius:50%;border:1px solid var(--line);background:var(--bg);color:var(--accent);box-shadow:var(--shadow);cursor:pointer;display:grid;place-items:center;padding:0}
.toggle:hover{background:var(--hover)}
.toggle svg{width:20px;height:20px}
.frame{width:min(720px,calc(100vw - 32px));height:min(620px,calc(100vh - 90px));background:var(--bg);border:1px solid var(--line);border-radius:10px;box-shadow:var(--shadow);overflow:hidden;display:flex}
.panel{flex:1;min-width:0;display:flex;flex-direction:column;container-type:inline-size;background:var(--bg);color:var(--fg);font:12px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
:host(.page) .panel{height:100vh}
header{display:flex;align-items:center;gap:10px;padding:10px 12px;border-bottom:1px solid var(--line)}
h1{font-size:14px;margin:0;font-weight:600;white-space:nowrap}
.summary{flex:1;min-width:0;color:var(--muted);white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.toolbar{display:flex;flex-wrap:wrap;align-items:center;gap:6px 8px;padding:8px 12px;border-bottom:1px solid var(--line);background:var(--soft)}
.toolbar .grow{flex:1 1 120px;min-width:100px}
.toolbar .target{flex:0 1 130px;width:130px}
.sep{width:1px;align-self:stretch;background:var(--line);margin:0 2px}
input,select{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:4px 8px;height:26px;min-width:0}
input:focus-visible,select:focus-visible,button:focus-visible{outline:2px solid var(--accent);outline-offset:1px}
button{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:0 10px;height:26px;cursor:pointer;white-space:nowrap}
button:hover:not(:disabled){background:var(--hover)}
button:disabled{opacity:.5;cursor:default}
button.danger{color:var(--danger)}
button.icon{width:22px;height:22px;padding:0;border-color:transparent;background:transparent;color:var(--muted);font-size:15px;line-height:1}
button.icon:hover:not(:disabled){color:var(--danger);background:var(--hover)}
.body{flex:1;overflow:auto;padding:4px 12px 12px}
h2{font-size:11px;letter-spacing:.04em;text-transform:uppercase;color:var(--muted);margin:14px 0 6px;font-weight:600}
section.cache{border:1px solid var(--line);border-radius:8px;margin:8px 0;overflow:hidden;content-visibility:auto;contain-intrinsic-size:auto 320px}
.head{display:flex;align-items:center;gap:8px;padding:5px 8px 5px 4px;background:var(--soft)}
button.twisty{border:0;background:transparent;height:24px;padding:0 6px;display:flex;align-items:center;gap:6px}
button.twisty::before{content:"▸";color:var(--muted);font-size:10px;width:8px}
button.twisty[aria-expanded=true]::before{content:"▾"}
.alias{font:600 12.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace}
.badge{font-size:10.5px;border-radius:10px;padding:0 7px;border:1px solid var(--line);color:var(--muted);background:var(--bg)}
.badge.worker{color:var(--chip-fg);border-color:transparent;background:var(--chip)}
.spacer{flex:1}
.stats{display:grid;grid-template-columns:auto 1fr;gap:2px 10px;padding:6px 10px;border-top:1px solid var(--line);color:var(--muted)}
.stats b{color:var(--fg);font-weight:500}
.side{font-weight:600;color:var(--fg)}
.err{color:var(--danger)}
table{width:100%;border-collapse:collapse;table-layout:fixed}
caption{text-align:left;padding:4px 10px;color:var(--muted);font-size:11px;border-top:1px solid var(--line)}
th{font-weight:500;text-align:left;color:var(--muted);padding:4px 6px;border-top:1px solid var(--line);border-bottom:1px solid var(--line);background:var(--soft);font-size:11px}
td{padding:4px 6px;border-bottom:1px solid var(--line);vertical-align:middle;overflow:hidden;text-overflow:ellipsis}
td.act{padding:0 4px 0 0;text-align:right;overflow:visible}
tr:last-child td{border-bottom:0}
tbody tr:hover td{background:var(--hover)}
th:first-child,td:first-child{padding-left:10px}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.key{font:11.5px ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.sub{color:var(--muted);font-size:11px;white-space:nowrap;overflow:hidden;text-overflow:ellipsis}
.tag{display:inline-block;font-size:10.5px;border-radius:4px;padding:0 5px;margin:0 3px 2px 0;background:var(--chip);color:var(--chip-fg);max-width:100%;overflow:hidden;text-overflow:ellipsis;white-space:nowrap;vertical-align:top}
.soon{color:var(--warn)}
.never,.muted,.empty{color:var(--muted)}
.empty{padding:8px 10px}
.state{display:flex;align-items:center;gap:8px;padding:4px 0 8px}
.dot{width:8px;height:8px;border-radius:50%;background:var(--muted);flex:none}
.dot.ok{background:var(--ok)}
.dot.none{background:var(--warn)}
.routes{border:1px solid var(--line);border-radius:8px;overflow:hidden}
.routes th:first-child{border-top:0}
.routes th{border-top:0}
ul.errors{list-style:none;margin:0;padding:0;border:1px solid var(--line);border-radius:8px;overflow:hidden}
ul.errors li{display:grid;grid-template-columns:60px 54px 1fr;gap:8px;padding:5px 10px;border-bottom:1px solid var(--line)}
ul.errors li:last-child{border-bottom:0}
.time{font-variant-numeric:tabular-nums;color:var(--muted)}
.msg{min-width:0;overflow-wrap:anywhere}
.msg .err{display:block}
.narrow-only{display:none}
@container (max-width:560px){
header{flex-wrap:wrap;row-gap:2px}
h1{margin-right:auto}
.summary{order:1;flex-basis:100%;white-space:normal}
.sep{flex-basis:100%;height:0;margin:0;background:none}
.toolbar .target{flex:1 1 80px;width:auto}
.head .muted{white-space:nowrap}
.c-ver,.c-tags{display:none}
.narrow-only{display:block;margin-top:2px}
td .key,.sub{white-space:normal;overflow-wrap:anywhere}
.routes :is(col,th,td):is(:nth-child(2),:nth-child(4),:nth-child(n+7)){display:none}
.routes col:nth-child(3){width:92px!important}
.routes col:nth-child(n+5){width:50px!important}
ul.errors li{grid-template-columns:auto 1fr}
ul.errors .msg{grid-column:1/-1}
}
`;
