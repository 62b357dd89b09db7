"""The centre's faces: each role's home page, the public page, the family's contact page and the
accessibility statement."""
