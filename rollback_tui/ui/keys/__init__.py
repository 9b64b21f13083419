"""The one owner of key order (order.py), the dialogs that take keys typed ahead
(typed_ahead.py), and every key binding in one registry (registry.py) with the user's
keymap (keymap.py)."""
