"""The planner's Streamlit web app (`streamlit run ui/app.py`), built on the public optimiser API."""
