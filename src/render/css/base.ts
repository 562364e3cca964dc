/**
 * Shared base styles: reset inherited host styles at the shadow boundary,
 * design tokens as custom properties (overridden by the theme sheet), and
 * no animation for users who ask for reduced motion. Long words and URLs in
 * copy break anywhere, so no moment grows past a 320 px screen.
 */
export const baseCss = `
:host{all:initial;--mk-accent:#4f46e5;--mk-accent-text:#fff;--mk-background:#fff;--mk-text:#1f2430;--mk-muted:#5b6170;--mk-border:#d9dce3;--mk-radius:10px;--mk-font:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
.mk{all:initial;font-family:var(--mk-font);font-size:15px;line-height:1.45;color:var(--mk-text);overflow-wrap:anywhere}
.mk *,.mk *::before,.mk *::after{box-sizing:border-box}
.mk button,.mk a.mk-btn{font:inherit;font-size:14px;font-weight:600;border-radius:calc(var(--mk-radius) * .7);padding:8px 14px;cursor:pointer;border:1px solid transparent;text-decoration:none;display:inline-block;line-height:1.3;max-width:100%}
.mk .mk-primary{background:var(--mk-accent);color:var(--mk-accent-text)}
.mk .mk-secondary{background:transparent;color:var(--mk-text);border-color:var(--mk-border)}
.mk button:focus-visible,.mk a:focus-visible{outline:3px solid var(--mk-accent);outline-offset:2px}
.mk-title{font-size:18px;font-weight:700;margin:0 0 6px}
.mk-body{margin:0 0 14px;color:var(--mk-muted)}
.mk-actions{display:flex;gap:8px;flex-wrap:wrap;justify-content:flex-end}
@keyframes mk-in{from{opacity:0;transform:translateY(8px)}to{opacity:1;transform:none}}
.mk-anim{animation:mk-in .18s ease-out}
@media (prefers-reduced-motion:reduce){.mk *{animation:none!important;transition:none!important}}
`
