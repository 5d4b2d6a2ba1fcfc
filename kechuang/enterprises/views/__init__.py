"""Pages of the enterprise app, one module per part."""
