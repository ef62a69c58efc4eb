"""The court case file: a ZIP a court can read and verify with sha256sum and a PDF reader."""
