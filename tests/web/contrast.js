// WCAG contrast of what the page paints now, for tests/web/test_web_theme.py: each text against what is
// really behind it (the backgrounds of its ancestors composited over the white canvas, a veil drawn by a
// pseudo-element over them, ancestors' opacity), and a focus ring against the ground around its element.
// axe leaves out what it cannot be sure of (disabled controls, text under a pseudo-element's veil): this
// measures those too. Anything it cannot composite (a background image, a filter, a blend mode) is a failure.
window.tmisContrast = (() => {
  const parse = (text) => {
    let m = text.match(/^rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:\s*[,/]\s*([\d.]+))?\)$/)
    if (m) return [+m[1], +m[2], +m[3], m[4] === undefined ? 1 : +m[4]]
    m = text.match(/^color\(srgb ([\d.e-]+) ([\d.e-]+) ([\d.e-]+)(?: \/ ([\d.]+))?\)$/)
    if (m) return [m[1] * 255, m[2] * 255, m[3] * 255, m[4] === undefined ? 1 : +m[4]]
    throw new Error(`a colour this check does not read: ${text}`)
  }
  const over = ([r, g, b, a], under) => [r * a + under[0] * (1 - a), g * a + under[1] * (1 - a), b * a + under[2] * (1 - a), 1]
  const blend = (top, under, opacity) => over([top[0], top[1], top[2], opacity], under)
  const luminance = (c) => {
    const [r, g, b] = c.slice(0, 3).map((v) => {
      const s = Math.min(255, Math.max(0, v)) / 255
      return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
    })
    return 0.2126 * r + 0.7152 * g + 0.0722 * b
  }
  const ratio = (a, b) => {
    const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x)
    return (hi + 0.05) / (lo + 0.05)
  }
  const hex = (c) => '#' + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, '0')).join('')

  // What is painted at `element` (its background and those under it), and `ink` (a colour painted inside it) as
  // seen: both under the veils its ancestors draw above their content, both faded by their ancestors' opacity.
  function composite(element, ink) {
    const chain = []
    for (let e = element; e; e = e.parentElement) chain.unshift(e)
    let ground = [255, 255, 255, 1]
    const veils = []
    const fades = []
    const problems = []
    for (const e of chain) {
      const style = getComputedStyle(e)
      if (style.backgroundImage !== 'none' || style.filter !== 'none' || style.mixBlendMode !== 'normal') {
        problems.push(`${e.tagName.toLowerCase()}.${[...e.classList].join('.')} has a background image, filter or blend mode`)
      }
      if (+style.opacity < 1) fades.push([+style.opacity, ground])
      ground = over(parse(style.backgroundColor), ground)
      for (const which of ['::before', '::after']) {
        const pseudo = getComputedStyle(e, which)
        if (pseudo.content === 'none' || !['absolute', 'fixed'].includes(pseudo.position)) continue
        const colour = parse(pseudo.backgroundColor)
        if (colour[3] === 0) continue
        if (pseudo.zIndex !== 'auto' && +pseudo.zIndex < 0) ground = over(colour, ground)
        else veils.push(colour)
      }
    }
    let back = ground
    let front = ink ? over(ink, ground) : ground
    for (const veil of veils) [back, front] = [over(veil, back), over(veil, front)]
    for (const [opacity, under] of fades.reverse()) [back, front] = [blend(back, under, opacity), blend(front, under, opacity)]
    return { back, front, problems }
  }

  function textOf(element) {
    const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT, { acceptNode: (n) => (n.textContent.trim() ? 1 : 3) })
    const found = []
    for (let node = walker.nextNode(); node; node = walker.nextNode()) found.push(node.parentElement)
    return found
  }

  // Every element matching `selector`, measured: [{name, what, ratio, least, detail}], `name` from its data-name.
  return (selector) => {
    const results = []
    for (const element of document.querySelectorAll(selector)) {
      const name = element.dataset.name || element.textContent.trim()
      for (const holder of textOf(element)) {
        const { back, front, problems } = composite(holder, parse(getComputedStyle(holder).color))
        results.push({ name, what: 'text', ratio: ratio(front, back), least: 4.5, detail: `${hex(front)} on ${hex(back)}`, problems })
      }
      if (!/focus/.test(element.dataset.state || '')) continue
      const style = getComputedStyle(element)
      const width = style.outlineStyle === 'none' ? 0 : parseFloat(style.outlineWidth)
      if (!width) {
        results.push({ name, what: 'focus ring', ratio: 0, least: 3, detail: 'no outline', problems: [] })
        continue
      }
      const { back, front, problems } = composite(element.parentElement, parse(style.outlineColor))
      results.push({ name, what: 'focus ring', ratio: ratio(front, back), least: 3, detail: `${hex(front)} around ${hex(back)}`, problems })
    }
    return results
  }
})()
