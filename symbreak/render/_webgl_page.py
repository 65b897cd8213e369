"""The HTML + WebGL page that :func:`symbreak.render._webgl.write_html` fills with a scene.

``__TITLE__`` (HTML-escaped text) and ``__SCENE__`` (JSON:
panels of triangles, lines, labels, camera, colour bar, legend, notes) are replaced. Orbit
camera about the panel's focus, z up: drag rotates, the wheel zooms. Opaque geometry is
drawn first, translucent (mirror discs) after, without depth writes. The panels shrink to sit
side by side in the window; without WebGL each panel says so instead of failing. The
``group`` and ``caption`` paragraphs are filled by ``set_page_text``.
"""

PAGE = r"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>__TITLE__</title>
<style>
body { font-family: "DejaVu Sans", Arial, sans-serif; margin: 12px; background: #fff; }
.row { display: flex; flex-wrap: nowrap; gap: 8px; }
.panel { position: relative; border: 1px solid #ddd; flex: none; }
.panel canvas { display: block; }
.panel h2 { position: absolute; top: 4px; width: 100%; margin: 0; text-align: center;
            font-size: 15px; font-weight: normal; pointer-events: none; }
.label { position: absolute; font-size: 13px; font-weight: bold; pointer-events: none;
         white-space: nowrap; }
.below { font-size: 13px; padding: 4px 6px; }
.bar { display: flex; align-items: center; gap: 6px; justify-content: center; }
.bar .ramp { width: 50%; height: 14px; border: 1px solid #999; }
.bar .title { text-align: center; }
.legend span.swatch { display: inline-block; width: 11px; height: 11px; margin: 0 4px 0 8px; }
.note { white-space: pre-line; color: #333; }
.nowebgl { position: absolute; top: 40%; width: 100%; text-align: center; color: #a00; }
p.help { color: #666; font-size: 12px; }
p.caption { max-width: 70em; }
</style></head><body>
<p class="group" id="group"></p>
<div class="row" id="row"></div>
<p class="caption" id="caption"></p>
<p class="help">Drag to rotate, scroll to zoom. Written by symbreak render.</p>
<script>
const SCENE = __SCENE__;
const VS = `attribute vec3 p; attribute vec3 n; attribute vec4 c; uniform mat4 mvp;
uniform vec3 eye; uniform float lit; varying vec4 vc;
void main() { gl_Position = mvp * vec4(p, 1.0);
  vec3 d = normalize(eye - p); float k = lit > 0.5 ? 0.4 + 0.6 * abs(dot(normalize(n), d)) : 1.0;
  vc = vec4(c.rgb * k, c.a); }`;
const FS = `precision mediump float; varying vec4 vc; void main() { gl_FragColor = vc; }`;
const NO_WEBGL = "This interactive view needs WebGL, which this browser lacks or has turned " +
  "off. The PNG pictures (symbreak render --format png) show the same scene.";
function sub(a, b) { return [a[0]-b[0], a[1]-b[1], a[2]-b[2]]; }
function cross(a, b) { return [a[1]*b[2]-a[2]*b[1], a[2]*b[0]-a[0]*b[2], a[0]*b[1]-a[1]*b[0]]; }
function unit(a) { const r = Math.hypot(a[0], a[1], a[2]) || 1; return [a[0]/r, a[1]/r, a[2]/r]; }
function dot(a, b) { return a[0]*b[0] + a[1]*b[1] + a[2]*b[2]; }
function mul(a, b) { const o = new Array(16).fill(0);  // column-major a*b
  for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) for (let k = 0; k < 4; k++)
    o[j*4+i] += a[k*4+i] * b[j*4+k]; return o; }
function lookAt(e, f, u) { const z = unit(sub(e, f)), x = unit(cross(u, z)), y = cross(z, x);
  return [x[0],y[0],z[0],0, x[1],y[1],z[1],0, x[2],y[2],z[2],0, -dot(x,e),-dot(y,e),-dot(z,e),1]; }
function perspective(deg, aspect, near, far) { const t = 1 / Math.tan(deg * Math.PI / 360);
  return [t/aspect,0,0,0, 0,t,0,0, 0,0,(far+near)/(near-far),-1, 0,0,2*far*near/(near-far),0]; }
function buffer(gl, data, type, kind) { const b = gl.createBuffer(); gl.bindBuffer(kind, b);
  gl.bufferData(kind, new type(data), gl.STATIC_DRAW); return b; }
function element(tag, cls, text) { const e = document.createElement(tag);
  if (cls) e.className = cls; if (text !== undefined) e.textContent = text; return e; }
function fit() {  // panels side by side in the window's width, never wrapped
  const [w, h] = SCENE.panelSize, cols = SCENE.columns;
  const room = document.documentElement.clientWidth - 24 - 8 * (cols - 1) - 2 * cols;
  const f = Math.min(1, room / (w * cols));
  return [Math.max(50, Math.floor(w * f)), Math.max(50, Math.floor(h * f))]; }
function below(spec, box) {  // colour bar, legend and notes under the canvas
  const bar = spec.colourbar;
  if (bar) { const row = element("div", "bar below"), ramp = element("div", "ramp");
    ramp.style.background = "linear-gradient(to right, " + bar.colours.join(", ") + ")";
    const fmt = v => Number(v.toPrecision(2)).toString();
    row.append(element("span", "", fmt(bar.limits[0])), ramp,
               element("span", "", fmt(bar.limits[1])));
    box.append(row, element("div", "title below", bar.title + ": red > 0, white 0, blue < 0")); }
  if (spec.legend.length) { const row = element("div", "legend below");
    for (const [text, colour] of spec.legend) { const s = element("span", "swatch");
      s.style.background = colour; row.append(s, element("span", "", text)); }
    box.appendChild(row); }
  for (const note of spec.notes) box.appendChild(element("div", "note below", note)); }
function panel(spec, size) {
  let [w, h] = size;
  const column = element("div", "column"), div = element("div", "panel");
  div.style.width = w + "px"; div.style.height = h + "px";
  const canvas = document.createElement("canvas"); canvas.width = w; canvas.height = h;
  div.appendChild(canvas); div.appendChild(element("h2", "", spec.title));
  column.appendChild(div); below(spec, column);
  document.getElementById("row").appendChild(column);
  let gl = null;
  // alpha: false, or blending translucent discs would make the canvas itself see-through
  // (premultiplied onto the white page they wash out and vanish).
  try { gl = canvas.getContext("webgl", {antialias: true, alpha: false}); }
  catch (e) { gl = null; }
  if (!gl) { div.appendChild(element("div", "nowebgl", NO_WEBGL)); return; }
  gl.getExtension("OES_element_index_uint");
  const prog = gl.createProgram();
  for (const [kind, src] of [[gl.VERTEX_SHADER, VS], [gl.FRAGMENT_SHADER, FS]]) {
    const s = gl.createShader(kind); gl.shaderSource(s, src); gl.compileShader(s);
    gl.attachShader(prog, s); }
  gl.linkProgram(prog); gl.useProgram(prog);
  const at = {p: gl.getAttribLocation(prog, "p"), n: gl.getAttribLocation(prog, "n"),
              c: gl.getAttribLocation(prog, "c")};
  const items = [];
  for (const g of spec.geometry) for (const kind of ["triangles", "lines"]) {
    const d = g[kind]; if (!d) continue;
    items.push({kind, opaque: g.opacity >= 0.999, count: d.index.length,
      p: buffer(gl, d.position, Float32Array, gl.ARRAY_BUFFER),
      n: buffer(gl, d.normal || d.position, Float32Array, gl.ARRAY_BUFFER),
      c: buffer(gl, d.colour, Float32Array, gl.ARRAY_BUFFER),
      i: buffer(gl, d.index, Uint32Array, gl.ELEMENT_ARRAY_BUFFER)}); }
  const labels = spec.labels.map(l => { const e = element("div", "label", l.text);
    e.style.color = l.colour; div.appendChild(e); return [l.position, e]; });
  const cam = spec.camera, focus = cam.focus, offset = sub(cam.position, focus);
  let radius = Math.hypot(...offset), azimuth = Math.atan2(offset[1], offset[0]),
      elevation = Math.asin(offset[2] / radius);
  function draw() {
    const eye = [focus[0] + radius*Math.cos(elevation)*Math.cos(azimuth),
                 focus[1] + radius*Math.cos(elevation)*Math.sin(azimuth),
                 focus[2] + radius*Math.sin(elevation)];
    const mvp = mul(perspective(cam.angle, w / h, radius / 100, radius * 10),
                    lookAt(eye, focus, [0, 0, 1]));
    gl.viewport(0, 0, w, h); gl.clearColor(1, 1, 1, 1);
    gl.clear(gl.COLOR_BUFFER_BIT | gl.DEPTH_BUFFER_BIT); gl.enable(gl.DEPTH_TEST);
    gl.enable(gl.BLEND); gl.blendFunc(gl.SRC_ALPHA, gl.ONE_MINUS_SRC_ALPHA);
    gl.uniformMatrix4fv(gl.getUniformLocation(prog, "mvp"), false, new Float32Array(mvp));
    gl.uniform3fv(gl.getUniformLocation(prog, "eye"), eye);
    for (const opaque of [true, false]) { gl.depthMask(opaque);
      for (const it of items) { if (it.opaque !== opaque) continue;
        gl.uniform1f(gl.getUniformLocation(prog, "lit"), it.kind === "triangles" ? 1 : 0);
        for (const [name, size] of [["p", 3], ["n", 3], ["c", 4]]) {
          gl.bindBuffer(gl.ARRAY_BUFFER, it[name]); gl.enableVertexAttribArray(at[name]);
          gl.vertexAttribPointer(at[name], size, gl.FLOAT, false, 0, 0); }
        gl.bindBuffer(gl.ELEMENT_ARRAY_BUFFER, it.i);
        gl.drawElements(it.kind === "triangles" ? gl.TRIANGLES : gl.LINES, it.count,
                        gl.UNSIGNED_INT, 0); } }
    gl.depthMask(true);
    for (const [p, e] of labels) { const q = [0, 1, 2, 3].map(i =>
        mvp[i]*p[0] + mvp[4+i]*p[1] + mvp[8+i]*p[2] + mvp[12+i]);
      e.style.left = ((q[0]/q[3] + 1) / 2 * w) + "px";
      e.style.top = ((1 - q[1]/q[3]) / 2 * h - 8) + "px"; } }
  let drag = null;
  canvas.onmousedown = e => { drag = [e.clientX, e.clientY]; };
  window.addEventListener("mouseup", () => { drag = null; });
  window.addEventListener("mousemove", e => { if (!drag) return;
    azimuth -= (e.clientX - drag[0]) * 0.01;
    elevation = Math.max(-1.55, Math.min(1.55, elevation + (e.clientY - drag[1]) * 0.01));
    drag = [e.clientX, e.clientY]; draw(); });
  canvas.onwheel = e => { e.preventDefault(); radius *= Math.exp(e.deltaY * 0.001); draw(); };
  window.addEventListener("resize", () => { [w, h] = fit(); canvas.width = w; canvas.height = h;
    div.style.width = w + "px"; div.style.height = h + "px"; draw(); });
  draw();
}
const START = fit();  // once for all panels, before a scroll bar can narrow the window
SCENE.panels.forEach(spec => panel(spec, START));
</script></body></html>
"""
