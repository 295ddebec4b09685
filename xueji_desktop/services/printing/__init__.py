"""Everything printed: certificates, forms, rosters, 套打, and the wording the clerk may edit."""
