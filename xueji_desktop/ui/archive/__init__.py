"""The 档案 tab: the term's review, the consultation register, the paper archive, the audit trail."""
