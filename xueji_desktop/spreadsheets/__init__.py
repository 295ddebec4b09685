"""Reading and writing Excel: pre-flight checks of untrusted files, cell normalisers, template specs."""
