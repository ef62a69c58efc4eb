"""Request and response models of the REST API (pydantic), one module per resource as in
``api/routes``, apart from events and tables."""
