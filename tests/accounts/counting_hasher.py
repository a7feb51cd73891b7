"""A password hasher that counts how often it hashes, to check that a sign-in hashes exactly once."""

from django.contrib.auth.hashers import MD5PasswordHasher


class CountingHasher(MD5PasswordHasher):
    """MD5, as in the rest of the suite, counting every hash: checking a password and hashing a new one alike."""

    algorithm = "counting_md5"
    hashes = 0

    def encode(self, password: str, salt: str) -> str:
        CountingHasher.hashes += 1
        return super().encode(password, salt)
