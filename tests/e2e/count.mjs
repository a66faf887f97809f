// Counting what a user does: every click, every key (a typed character is a key) and every field
// typed into, so a walk can state its effort and assert that no field is typed twice (issue 20).
export function counter(page) {
  const c = { clicks: 0, keys: 0, fields: new Map(), steps: [] }
  const note = (what) => c.steps.push(what)
  c.click = async (loc, label, opts) => { c.clicks++; note(`click ${label}`); await loc.click(opts) }
  c.press = async (key, label = key) => { c.keys++; note(`key ${label}`); await page.keyboard.press(key) }
  /** Types `text` into the focused element (after an optional click that counts) as field `field`. */
  c.type = async (field, text, loc) => {
    if (loc) await c.click(loc, field)
    c.keys += [...text].length
    c.fields.set(field, (c.fields.get(field) || 0) + 1)
    note(`type ${field} (${[...text].length})`)
    await page.keyboard.type(text, { delay: 20 })
  }
  /** A drag (the owner's signature): one gesture, counted as a click. */
  c.drag = async (points) => {
    c.clicks++
    note('drag')
    await page.mouse.move(points[0].x, points[0].y)
    await page.mouse.down()
    for (const p of points.slice(1)) await page.mouse.move(p.x, p.y, { steps: 2 })
    await page.mouse.up()
  }
  c.retyped = () => [...c.fields].filter(([, n]) => n > 1).map(([f]) => f)
  c.summary = () => `${c.clicks} clicks, ${c.keys} keys, fields typed twice: ${c.retyped().join('、') || 'none'}`
  return c
}
