// The app's start on a page the server drew (see `start_on_use` in first_paint.rs, which
// strips these comment lines and fills in the two paths). In order: enable the controls
// marked data-early; `key`/`find` name an element so that the app's copy of it can be found
// once it has replaced the markup (by id, else tag and text); `wants`: does this event need
// the app (a key, or a button or field pressed or focused; not a link, 打印 or 分享);
// `start`: download and compile, note the values typed (until it has mounted) and the focus,
// mount (an app may mount a task after its wasm has run: until what was drawn is gone, this
// still hears), then put the values and focus back and press again what was pressed meanwhile
// (waiting up to 300 frames for it: the review draws its button once the draft is in); `hear`: start, and keep
// a press (长辈模式 shows its effect at once) or a form sent for the app. A page's own
// script may ask for the app at once (`otStart`, or `otStartNow` before this one has run) and
// learn that it has been asked for (`otStarted`): progress-early.js. A reader in English gets
// the app at once: what the server drew is in Chinese.
const d=document,h=d.documentElement,js='%JS%',wasm='%WASM%',queue=[],on=['click','focusin','keydown','submit'];
let started=0;
const elder=()=>h.classList.contains('ot-elder');
for(const e of d.querySelectorAll('[data-early]')){e.disabled=false;if(e.hasAttribute('aria-pressed'))e.setAttribute('aria-pressed',elder())}
const key=e=>e&&e!==d.body&&(e.id?'#'+e.id:e.tagName+' '+e.textContent.trim());
const find=k=>k&&(k[0]=='#'?d.getElementById(k.slice(1)):[...d.getElementsByTagName(k.split(' ')[0])].find(x=>key(x)==k));
const frame=()=>new Promise(r=>requestAnimationFrame(()=>setTimeout(r)));
const found=async(k,n=30)=>{for(let i=0;i<n;i++){const e=find(k);if(e)return e;await frame()}};
const wants=e=>{const t=e.target;if(!t.closest||t.closest('a[href],[data-print],[data-share]'))return;
if(e.type=='keydown')return 1;return t.closest('button,input,select,textarea,form')};
async function start(){if(started)return;started=window.otStarted=1;
try{const[b,m]=await Promise.all([import(js),WebAssembly.compileStreaming(fetch(wasm)).catch(()=>fetch(wasm).then(r=>r.arrayBuffer()).then(WebAssembly.compile))]);
const kept=new Map,look=()=>{for(const i of d.querySelectorAll('#app input[id],#app textarea[id],#app select[id]'))kept.set(i.id,[i.id,/^(radio|checkbox)$/.test(i.type)?i.checked:i.value,i.selectionStart,i.selectionEnd])},focus=key(d.activeElement);
look();d.addEventListener('input',look,true);d.addEventListener('change',look,true);
const shell=d.querySelector('#app>*');await b.default({module_or_path:m});
for(let i=0;i<60&&shell&&shell.isConnected;i++)await frame();d.removeEventListener('input',look,true);d.removeEventListener('change',look,true);
for(const t of on)d.removeEventListener(t,hear,true);
window.wasmBindings=b;dispatchEvent(new CustomEvent('TrunkApplicationStarted',{detail:{wasm}}));
for(const[id,v,s,e]of kept.values()){const i=v&&await found('#'+id);if(i){if(v===true)i.checked=v;else i.value=v;
i.dispatchEvent(new Event(v===true||i.tagName=='SELECT'?'change':'input',{bubbles:true}));if('#'+id==focus){i.focus();if(s!=null)i.setSelectionRange(s,e)}}}
const f=focus&&await found(focus);if(f&&d.activeElement!=f)f.focus();
for(const k of queue.splice(0))(await found(k,300))?.click()}catch(x){started=window.otStarted=0}}
function hear(e){if(!wants(e))return;start();
if(e.type=='submit'){e.preventDefault();queue.push(key(e.submitter||e.target.querySelector('[type=submit]')))}
else if(e.type=='click'){const b=e.target.closest('button');if(!b||b.type=='submit')return;e.preventDefault();
if(b.hasAttribute('aria-pressed')){const p=!elder();b.setAttribute('aria-pressed',p);h.classList.toggle('ot-elder',p)}
queue.push(key(b))}}
for(const t of on)d.addEventListener(t,hear,true);
window.otStart=start;if(window.otStartNow)frame().then(start);
if(h.lang=='en')frame().then(start)
