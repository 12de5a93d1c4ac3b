"""Sign-in moves to django-allauth, with mandatory e-mail verification: the accounts that existed
before (created by operators, invitations and the demo) keep signing in with their address,
recorded as verified and primary."""

from django.db import migrations


def record_addresses(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    EmailAddress = apps.get_model("account", "EmailAddress")
    with_address = set(EmailAddress.objects.values_list("user_id", flat=True))
    batch = []
    for user in User.objects.exclude(email="").only("pk", "email").iterator(chunk_size=500):
        if user.pk in with_address:
            continue
        batch.append(
            EmailAddress(user_id=user.pk, email=user.email.lower(), verified=True, primary=True)
        )
        if len(batch) == 500:
            EmailAddress.objects.bulk_create(batch)
            batch = []
    EmailAddress.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_membership_scope_sorted_roles"),
        ("account", "0009_emailaddress_unique_primary_email"),
    ]

    operations = [migrations.RunPython(record_addresses, migrations.RunPython.noop)]
