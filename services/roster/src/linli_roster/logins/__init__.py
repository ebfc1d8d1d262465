"""Volunteer logins: staff give a volunteer a login (an identity invitation linked to the volunteer record),
and a volunteer with a login sees their own record, and only that."""
