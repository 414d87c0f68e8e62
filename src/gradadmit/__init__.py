"""GradAdmit: online admissions portal for graduate programmes."""
