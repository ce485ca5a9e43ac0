"""Models for notifications arrive with their issue; the app is installed now so its place is fixed."""
