"""Progress over time: self-assessments per life domain and the charts drawn from them."""
