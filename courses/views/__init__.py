"""Pages of the courses app: ``learner`` (catalogue, course, lesson, My learning) and
``trainer`` (assignments, group progress, exports)."""
