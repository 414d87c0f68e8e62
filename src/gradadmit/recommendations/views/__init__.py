"""Views of recommendations, by audience: applicant, recommender (token link), office."""
