"""The QR side: the VietQR codec, reference codes, images, placards, payment requests."""
