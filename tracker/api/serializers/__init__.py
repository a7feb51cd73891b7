"""One serializer module per resource of the tracker's API (the views are ``tracker/api/<resource>.py``)."""
