"""The pages of the Streamlit app (app.py is the entry point)."""
