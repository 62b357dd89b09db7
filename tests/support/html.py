"""Reading HTML in tests: parse with selectolax, and check what the CSP forbids."""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser as HTMLParser

HTMX = {"HX-Request": "true"}  # the header htmx sends with each of its requests


def parse(html: str) -> HTMLParser:
    return HTMLParser(html)


def inline_code(html: str) -> list[str]:
    """Inline scripts, style attributes/elements and on*= handlers: all forbidden by the CSP."""
    tree = parse(html)
    found: list[str] = []
    for script in tree.css("script"):
        if "src" not in script.attributes or (script.text() or "").strip():
            found.append(f"inline <script>: {script.html[:80]}")
    found.extend(f"<style>: {node.html[:80]}" for node in tree.css("style"))
    for node in tree.css("*"):
        for name in node.attributes:
            if name == "style" or name.startswith("on") or name.startswith("hx-on"):
                found.append(f"{name}= on <{node.tag}>")
    return found


def text(html: str, selector: str) -> str:
    node = parse(html).css_first(selector)
    return node.text(strip=True) if node else ""


def texts(html: str, selector: str) -> list[str]:
    return [node.text(strip=True) for node in parse(html).css(selector)]


def attribute(html: str, selector: str, name: str) -> str:
    node = parse(html).css_first(selector)
    assert node is not None, selector
    return node.attributes.get(name) or ""


def form_actions(html: str) -> set[str]:
    return {node.attributes.get("action") or "" for node in parse(html).css("form")}
