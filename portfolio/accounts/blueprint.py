"""The accounts blueprint, shared by the owner and the staff views."""

from flask import Blueprint

bp = Blueprint("accounts", __name__)
