(minimum) => {
  const width = document.documentElement.clientWidth;
  const overflow = document.documentElement.scrollWidth - width;
  const wide = [];
  if (overflow > 0) {
    for (const el of document.body.querySelectorAll('*')) {
      const r = el.getBoundingClientRect();
      if (r.right > width + 1 && r.width > 0) {
        let scrolls = false;
        for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
          const s = getComputedStyle(p);
          if (s.overflowX === 'auto' || s.overflowX === 'scroll' || s.overflowX === 'hidden') {
            scrolls = true; break;
          }
        }
        if (!scrolls) wide.push(describe(el) + ' reaches ' + Math.round(r.right) + ' px');
      } else if (el.scrollWidth > el.clientWidth + 1 && el.clientWidth > 0
                 && getComputedStyle(el).overflowX === 'visible' && r.right + el.scrollWidth - el.clientWidth > width + 1) {
        wide.push(describe(el) + ' holds text ' + (el.scrollWidth - el.clientWidth) + ' px too wide');
      }
      if (wide.length >= 5) break;
    }
  }
  function describe(el) {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    else if (el.classList.length) name += '.' + [...el.classList].join('.');
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    return name + (text ? ' "' + text.slice(0, 40).replace(/\s+/g, ' ') + '"' : '');
  }
  function hidden(el) {
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1 || r.right < 0 || r.bottom < 0) return true;
    for (let p = el; p; p = p.parentElement) {
      const s = getComputedStyle(p);
      if (s.visibility === 'hidden' || s.display === 'none') return true;
    }
    return el.closest('.visually-hidden, [hidden]') !== null;
  }
  function block(el) {
    let p = el.parentElement;
    while (p && getComputedStyle(p).display.startsWith('inline')) p = p.parentElement;
    return p;
  }
  function inText(el) {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    const container = block(el);
    if (!container) return false;
    const own = (el.innerText || '').trim();
    let rest = (container.innerText || '').replace(own, '');
    for (const other of container.querySelectorAll('a, button, input, select, textarea, label')) {
      if (other !== el) rest = rest.replace((other.innerText || '').trim(), '');
    }
    return /[A-Za-z0-9]{2,}/.test(rest.replace(/[·|•,.;:()\[\]→←–-]/g, ' '));
  }
  function label(el) {
    return el.closest('label') || (el.id && document.querySelector('label[for="' + CSS.escape(el.id) + '"]'));
  }
  const small = [];
  const selector = 'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]:not([tabindex="-1"]), [role=button]';
  for (const el of document.querySelectorAll(selector)) {
    if (el.closest('svg') || hidden(el) || inText(el)) continue;
    let r = el.getBoundingClientRect();
    let w = r.width, h = r.height;
    if (el.type === 'checkbox' || el.type === 'radio') {
      const l = label(el);
      if (l) {
        const lr = l.getBoundingClientRect();
        w = Math.max(r.right, lr.right) - Math.min(r.left, lr.left);
        h = Math.max(r.bottom, lr.bottom) - Math.min(r.top, lr.top);
      }
    }
    if (w < minimum - 0.5 || h < minimum - 0.5) {
      const parent = el.parentElement;
      const where = parent.tagName.toLowerCase() + (parent.className ? '.' + parent.className.split(' ')[0] : '');
      small.push(describe(el) + ' in ' + where + ' ' + Math.round(w) + 'x' + Math.round(h));
    }
  }
  return {overflow, wide, small};
}
