"""Direct tests of the operation modules, without click (style.md item 14)."""
