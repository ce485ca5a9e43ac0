"""Models for agents arrive with their issue; the app is installed now so its place is fixed."""
