import factory

from essaim.accounts.models import Membership, Role, User


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    password = factory.PostGenerationMethodCall("set_password", "secret-password")

    @factory.post_generation
    def save_password(self, create, extracted, **kwargs):
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def email_verified(self, create, extracted, **kwargs):
        """Accounts sign in with a verified address (``UserFactory(email_verified=False)``: one
        that was never confirmed)."""
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.create(
                user=self, email=self.email, verified=extracted is not False, primary=True
            )


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    role = Role.PROGRAMME_ADMIN
