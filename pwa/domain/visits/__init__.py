"""Being with the family: visits and the diary, meetings, the centre's office hours, and each
user's calendar feed."""
