"""In-app notifications to provider organisations: one model, one way to send, one way to read.

Tenders, providers, evaluation and reports all notify; the portal pages, the API and the header
count all read. Keeping them here (rather than in tenders) lets every app use them without
importing another app's models or services (issue 18). This app imports no other app: the links
to `providers.Provider` and `tenders.Tender` are by name only.
"""
