# Models arrive with the evidence portfolio and applications issues.
