"""The design's Exercise 1 (sales CSVs to the design's three tables), four ways."""
