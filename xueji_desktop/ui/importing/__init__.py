"""The import wizard: reading an Excel file of students, checking it, committing it."""
