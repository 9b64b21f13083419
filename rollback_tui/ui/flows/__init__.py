"""The ways through a plan that ask first (open, save as, a conflict, quitting, restoring
kept edits): dialogs that then call the plan's keeper."""
