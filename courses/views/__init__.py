"""Learner pages of the courses app (catalogue, course, lesson, My learning); the trainer
pages live in ``courses.trainer``."""
