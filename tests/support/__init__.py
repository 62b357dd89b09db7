"""What the tests share: the one clock, the factories (one module per feature), the HTML
helpers, the live server the browser tests drive, and the push service stand-in."""
