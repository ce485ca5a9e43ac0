"""Insights pages: the owner's numbers (``owner``) and the operators' cost dashboard (``costs``)."""
