"""Pages of the reporting app: the partner dashboard, exports, the national overview, API tokens."""
