"""Everything Textual: the app, its screens, steps and widgets."""
