#!/usr/bin/env node
// Draws Keybridge's icon set with Node built-ins only (zlib for PNG), so the images in resources/
// are reproducible: `node electron/tools/make-icons.mjs`. The mark is a key whose bit is a bridge.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const out = join(dirname(fileURLToPath(import.meta.url)), '../../resources')

// --- PNG encoding -------------------------------------------------------------------------------
const CRC = new Int32Array(256).map((_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c
})
function crc32(buf) {
  let c = -1
  for (const b of buf) c = CRC[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ -1) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(body))
  return Buffer.concat([len, body, crc])
}
/** RGBA pixels (Uint8Array, size*size*4) → PNG bytes. */
function png(size, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0 // filter: none
    Buffer.from(rgba.buffer, y * size * 4, size * 4).copy(raw, y * (size * 4 + 1) + 1)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// --- Shapes in unit coordinates (0..1), tested per sample -----------------------------------------
const roundedSquare = (x, y, r) => {
  const dx = Math.max(r - x, 0, x - (1 - r))
  const dy = Math.max(r - y, 0, y - (1 - r))
  return dx * dx + dy * dy <= r * r
}
const circle = (x, y, cx, cy, r) => (x - cx) ** 2 + (y - cy) ** 2 <= r * r
const rect = (x, y, x0, y0, x1, y1) => x >= x0 && x <= x1 && y >= y0 && y <= y1

/** The key: a ring bow on the left, a shaft, and an arched bit (the bridge) under its end. */
function key(x, y) {
  const ring = circle(x, y, 0.32, 0.5, 0.17) && !circle(x, y, 0.32, 0.5, 0.085)
  const shaft = rect(x, y, 0.45, 0.455, 0.82, 0.545)
  // The bit: two piers joined by the shaft, with an arch cut between them.
  const bit = rect(x, y, 0.64, 0.545, 0.82, 0.7) && !circle(x, y, 0.73, 0.7, 0.055)
  return ring || shaft || bit
}

/** Renders `fill(x, y) → [r, g, b, a] | null` with 4×4 supersampling for smooth edges. */
function render(size, fill) {
  const px = new Uint8Array(size * size * 4)
  const S = 4
  for (let py = 0; py < size; py++)
    for (let pxi = 0; pxi < size; pxi++) {
      let r = 0,
        g = 0,
        b = 0,
        a = 0
      for (let sy = 0; sy < S; sy++)
        for (let sx = 0; sx < S; sx++) {
          const c = fill((pxi + (sx + 0.5) / S) / size, (py + (sy + 0.5) / S) / size)
          if (!c) continue
          const ca = c[3] / 255
          r += c[0] * ca
          g += c[1] * ca
          b += c[2] * ca
          a += ca
        }
      const i = (py * size + pxi) * 4
      if (a > 0) {
        px[i] = Math.round(r / a)
        px[i + 1] = Math.round(g / a)
        px[i + 2] = Math.round(b / a)
      }
      px[i + 3] = Math.round((a / (S * S)) * 255)
    }
  return px
}

const mix = (a, b, t) => a.map((v, i) => Math.round(v + (b[i] - v) * t))
const TOP = [79, 70, 229] // indigo
const BOTTOM = [124, 58, 237] // violet

function appIcon(x, y) {
  // A little margin like the platforms' icon grids; the key is drawn white on the gradient.
  const m = 0.06
  const u = (x - m) / (1 - 2 * m)
  const v = (y - m) / (1 - 2 * m)
  if (u < 0 || u > 1 || v < 0 || v > 1 || !roundedSquare(u, v, 0.22)) return null
  if (key(u, v)) return [255, 255, 255, 255]
  return [...mix(TOP, BOTTOM, v), 255]
}
/** macOS menu bar "template" image: black with alpha, tinted by the system. */
const trayTemplate = (x, y) => (key(x, y) ? [0, 0, 0, 255] : null)

// --- Container formats ---------------------------------------------------------------------------
function ico(entries) {
  const header = Buffer.alloc(6 + 16 * entries.length)
  header.writeUInt16LE(0, 0)
  header.writeUInt16LE(1, 2) // icon
  header.writeUInt16LE(entries.length, 4)
  let offset = header.length
  entries.forEach(([size, data], i) => {
    const e = 6 + 16 * i
    header[e] = size >= 256 ? 0 : size
    header[e + 1] = size >= 256 ? 0 : size
    header.writeUInt16LE(1, e + 4) // planes
    header.writeUInt16LE(32, e + 6) // bits per pixel
    header.writeUInt32LE(data.length, e + 8)
    header.writeUInt32LE(offset, e + 12)
    offset += data.length
  })
  return Buffer.concat([header, ...entries.map(([, d]) => d)])
}
function icns(entries) {
  const parts = entries.map(([type, data]) => {
    const h = Buffer.alloc(8)
    h.write(type, 0, 'ascii')
    h.writeUInt32BE(data.length + 8, 4)
    return Buffer.concat([h, data])
  })
  const h = Buffer.alloc(8)
  h.write('icns', 0, 'ascii')
  h.writeUInt32BE(8 + parts.reduce((n, p) => n + p.length, 0), 4)
  return Buffer.concat([h, ...parts])
}

// --- Output --------------------------------------------------------------------------------------
const write = (rel, data) => {
  mkdirSync(dirname(join(out, rel)), { recursive: true })
  writeFileSync(join(out, rel), data)
}
const icon = new Map()
for (const size of [16, 24, 32, 48, 64, 128, 256, 512, 1024]) {
  icon.set(size, png(size, render(size, appIcon)))
  write(`icons/${size}x${size}.png`, icon.get(size))
}
write('icon.png', icon.get(1024))
write('icon.ico', ico([16, 24, 32, 48, 64, 128, 256].map((s) => [s, icon.get(s)])))
write(
  'icon.icns',
  icns([
    ['icp4', icon.get(16)],
    ['icp5', icon.get(32)],
    ['icp6', icon.get(64)],
    ['ic07', icon.get(128)],
    ['ic08', icon.get(256)],
    ['ic09', icon.get(512)],
    ['ic10', icon.get(1024)],
  ]),
)
write('tray/tray.png', icon.get(16))
write('tray/tray@2x.png', icon.get(32))
write('tray/trayTemplate.png', png(16, render(16, trayTemplate)))
write('tray/trayTemplate@2x.png', png(32, render(32, trayTemplate)))
console.log(`[make-icons] wrote the icon set to ${out}`)
