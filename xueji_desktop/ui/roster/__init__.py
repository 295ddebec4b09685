"""The 名册 tab: the students of the school by class, and one student's record."""
