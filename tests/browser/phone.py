"""Checks of a page at a phone's width: no sideways scrolling, tap targets of 44 px.

WCAG 2.5.5 (Target Size, AAA, the size Apple and Android recommend too) asks 44 by 44 CSS
pixels for a pointer target, except a link inside a sentence or block of text, a target whose
size the browser decides (a native control left unstyled is still checked here), and one with an
equivalent elsewhere on the page. We apply it to every interactive element on the page but:

- links in running text (an inline link whose block holds other words);
- the nodes of the knowledge-flow picture (an SVG drawing whose every node and edge has its row
  in the tables beside it);
- what is not shown (visually hidden, off-screen until focused, like the skip link).

A checkbox or radio button counts with its label: the label is the target a finger presses.
"""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, BrowserContext, Page

PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
"""An iPhone-sized screen (390 x 844 CSS pixels), touch, mobile layout."""
MIN_TARGET = 44

_CHECK = """
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
      }
      if (wide.length >= 5) break;
    }
  }
  function describe(el) {
    let name = el.tagName.toLowerCase();
    if (el.id) name += '#' + el.id;
    else if (el.classList.length) name += '.' + [...el.classList].join('.');
    const text = (el.innerText || el.value || el.getAttribute('aria-label') || '').trim();
    return name + (text ? ' "' + text.slice(0, 40).replace(/\\s+/g, ' ') + '"' : '');
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
    return /[A-Za-z0-9]{2,}/.test(rest.replace(/[·|•,.;:()\\[\\]→←–-]/g, ' '));
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
"""


def phone_context(browser: Browser, site: str) -> BrowserContext:
    """A browser context the size of a phone, on ``site``."""
    return browser.new_context(base_url=site, **PHONE)  # type: ignore[arg-type]


def phone_problems(page: Page) -> list[str]:
    """What makes the page at hand hard to use on a phone: sideways scrolling (and which
    elements stick out), tap targets under 44 px."""
    found: dict[str, Any] = page.evaluate(_CHECK, MIN_TARGET)
    problems = []
    if found["overflow"] > 0:
        problems.append(
            f"the page scrolls sideways by {found['overflow']} px: " + "; ".join(found["wide"])
        )
    problems += [f"tap target under {MIN_TARGET} px: {target}" for target in found["small"]]
    return problems
