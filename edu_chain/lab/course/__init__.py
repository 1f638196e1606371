"""The course engine: exercises run and checked, notebooks written, the learner's node."""
