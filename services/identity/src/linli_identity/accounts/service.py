"""Inviting people, accepting invitations, and managing who holds which role where."""

from __future__ import annotations

import secrets
import uuid
from datetime import timedelta

from sqlalchemy.orm import Session

from linli_identity.accounts.exceptions import (
    ExistingAccountPassword,
    InvitationNotFound,
    InvitationNotUsable,
    MembershipNotFound,
    RoleNotAtThisNode,
    RoleNotInvitable,
)
from linli_identity.accounts.models import Invitation, Membership, User
from linli_identity.accounts.repository import AccountRepository, InvitationLookup
from linli_identity.accounts.roles import ROLE_NODE_KIND, may_invite
from linli_identity.accounts.schemas import (
    InvitationAccept,
    InvitationCreate,
    InvitationIssued,
    InvitationOut,
    InvitationStatus,
    MembershipOut,
    VolunteerInvitationCreate,
)
from linli_identity.audit.repository import AuditRepository
from linli_identity.audit.service import Actor, record
from linli_identity.auth.passwords import hash_password, verify_password
from linli_identity.auth.repository import AuthRepository
from linli_identity.auth.schemas import TokenPair
from linli_identity.auth.service import AuthService
from linli_identity.auth.tokens import now, token_hash
from linli_identity.config import IdentitySettings
from linli_identity.database import messaging
from linli_identity.events import types as events
from linli_identity.tenants.exceptions import TenantInactive, TenantNotFound
from linli_identity.tenants.models import Tenant, TenantKind
from linli_identity.tenants.service import TenantService
from linli_shared.db import act_as
from linli_shared.problems import Forbidden
from linli_shared.tenancy import Role, TenantContext


def invitation_status(invitation: Invitation) -> InvitationStatus:
    if invitation.accepted_at is not None:
        return InvitationStatus.ACCEPTED
    if invitation.revoked_at is not None:
        return InvitationStatus.REVOKED
    if invitation.expires_at <= now():
        return InvitationStatus.EXPIRED
    return InvitationStatus.PENDING


def invitation_out(invitation: Invitation) -> InvitationOut:
    return InvitationOut(
        id=invitation.id,
        tenant_id=invitation.tenant_id,
        email=invitation.email,
        phone=invitation.phone,
        external_ref=invitation.external_ref,
        display_name=invitation.display_name,
        role=Role(invitation.role),
        status=invitation_status(invitation),
        expires_at=invitation.expires_at,
        created_at=invitation.created_at,
        accepted_at=invitation.accepted_at,
    )


class AccountService:
    def __init__(self, session: Session, actor: Actor, settings: IdentitySettings) -> None:
        self.session = session
        self.actor = actor
        self.context: TenantContext = actor.context
        self.settings = settings
        self.accounts = AccountRepository(session, self.context)
        self.tenants = TenantService(session, actor)
        self.audit = AuditRepository(session, self.context)

    def invite(self, tenant_id: uuid.UUID, request: InvitationCreate) -> InvitationIssued:
        tenant = self.tenants.get(tenant_id)
        if not tenant.active:
            raise TenantInactive()
        if not may_invite(self.context.role, request.role):
            raise RoleNotInvitable(f"A {self.context.role.value} may not invite a {request.role.value}.")
        if ROLE_NODE_KIND.get(request.role) != tenant.kind:
            raise RoleNotAtThisNode(f"A {request.role.value} is not held at a {tenant.kind.value}.")
        return self._issue(tenant, request.email, request.phone, request.display_name, request.role, None)

    def invite_volunteer(self, tenant_id: uuid.UUID, request: VolunteerInvitationCreate) -> InvitationIssued:
        """A service (the roster) gives one of a committee's volunteers a login. The service acts at the
        platform root, so only an active committee qualifies: anything else is not found."""
        tenant = self.tenants.get(tenant_id)
        if not tenant.active or tenant.kind != TenantKind.COMMITTEE:
            raise TenantNotFound("No active committee has this id.")
        if not may_invite(self.context.role, Role.VOLUNTEER):
            raise RoleNotInvitable(f"A {self.context.role.value} may not invite a volunteer.")
        return self._issue(
            tenant, request.email, request.phone, request.display_name, Role.VOLUNTEER, request.external_ref
        )

    def _issue(
        self,
        tenant: Tenant,
        email: str | None,
        phone: str | None,
        display_name: str,
        role: Role,
        external_ref: str | None,
    ) -> InvitationIssued:
        self.accounts.revoke_pending_invitations(tenant.id, email, phone, role.value)
        token = secrets.token_urlsafe(32)
        invitation = Invitation(
            tenant_id=tenant.id,
            id=uuid.uuid4(),
            tenant_path=tenant.path,
            email=email,
            phone=phone,
            external_ref=external_ref,
            display_name=display_name,
            role=role.value,
            token_hash=token_hash(token),
            invited_by=self.context.user_id or uuid.UUID(int=0),
            expires_at=now() + timedelta(days=self.settings.invitation_days),
        )
        self.accounts.add(invitation)
        contact = {"email": email} if email is not None else {"phone": phone}
        if external_ref is not None:
            contact["external_ref"] = external_ref
        self._audit(tenant, "invitation.created", "invitation", invitation.id, role=role, **contact)
        return InvitationIssued(
            **invitation_out(invitation).model_dump(),
            token=token,
            url=f"{self.settings.invitation_base_url}?token={token}",
        )

    def invitations(self, tenant_id: uuid.UUID) -> list[InvitationOut]:
        tenant = self.tenants.get(tenant_id)
        return [invitation_out(invitation) for invitation in self.accounts.invitations(tenant.id)]

    def revoke_invitation(self, tenant_id: uuid.UUID, invitation_id: uuid.UUID) -> InvitationOut:
        tenant = self.tenants.get(tenant_id)
        invitation = self.accounts.invitation(tenant.id, invitation_id)
        if invitation is None:
            raise InvitationNotFound()
        if invitation_status(invitation) is not InvitationStatus.PENDING:
            raise InvitationNotUsable("Only a pending invitation can be revoked.")
        invitation.revoked_at = now()
        self.session.flush()
        contact = {"email": invitation.email} if invitation.email is not None else {"phone": invitation.phone}
        self._audit(tenant, "invitation.revoked", "invitation", invitation.id, **contact)
        return invitation_out(invitation)

    def memberships(self, tenant_id: uuid.UUID, include_revoked: bool) -> list[MembershipOut]:
        tenant = self.tenants.get(tenant_id)
        return [_membership_out(m, u) for m, u in self.accounts.memberships(tenant.id, include_revoked)]

    def revoke_membership(self, membership_id: uuid.UUID) -> MembershipOut:
        found = self.accounts.membership(membership_id)
        if found is None:
            raise MembershipNotFound()
        membership, user = found
        if membership.revoked_at is not None:
            return _membership_out(membership, user)
        if membership.user_id == self.context.user_id:
            raise Forbidden("You cannot revoke your own membership.")
        if not may_invite(self.context.role, Role(membership.role)):
            raise RoleNotInvitable(f"A {self.context.role.value} may not remove a {membership.role}.")
        membership.revoked_at = now()
        AuthRepository(self.session).revoke_refresh_tokens(now(), [membership.user_id], membership.id)
        tenant = self.tenants.get(membership.tenant_id)
        self._audit(
            tenant,
            "membership.revoked",
            "membership",
            membership.id,
            user_id=str(user.id),
            role=membership.role,
        )
        messaging.publish(
            self.session,
            events.MEMBERSHIP_REVOKED,
            events.MembershipRevokedV1(
                membership_id=membership.id, user_id=user.id, tenant_id=tenant.id, role=membership.role
            ),
            subject=user.id,
            tenant_id=tenant.id,
            tenant_path=tenant.path,
        )
        return _membership_out(membership, user)

    def _audit(
        self, tenant: Tenant, action: str, target_type: str, target_id: object, **details: object
    ) -> None:
        record(
            self.audit,
            self.actor,
            tenant_id=tenant.id,
            tenant_path=tenant.path,
            action=action,
            target_type=target_type,
            target_id=target_id,
            **details,
        )


def accept_invitation(
    session: Session, settings: IdentitySettings, request: InvitationAccept, ip: str | None
) -> TokenPair:
    """The presented token is the credential: it alone makes its invitation visible, and once resolved
    the flow acts for the invitation's tenant, as the person accepting it."""
    hashed = token_hash(request.token)
    act_as(session, invitation_hash=hashed)
    lookup = InvitationLookup(session)
    invitation = lookup.by_token_hash(hashed)
    if invitation is None:
        raise InvitationNotFound("This invitation link is not valid.")
    if invitation_status(invitation) is not InvitationStatus.PENDING:
        raise InvitationNotUsable("This invitation has expired, was revoked or was already used.")
    if invitation.email is not None:
        act_as(session, login_email=invitation.email)
        user = lookup.user_by_email(invitation.email)
    else:
        assert invitation.phone is not None  # the table's check: one of the two is present
        act_as(session, login_phone=invitation.phone)
        user = lookup.user_by_phone(invitation.phone)
    registered = user is None
    if user is None:
        user = User(
            id=uuid.uuid4(),
            email=invitation.email,
            phone=invitation.phone,
            display_name=request.display_name or invitation.display_name,
            password_hash=hash_password(request.password),
        )
        session.add(user)
        session.flush()
    elif not verify_password(user.password_hash, request.password):
        if invitation.email is None:
            raise ExistingAccountPassword(
                "This phone number already has an account: enter its password to accept"
            )
        raise ExistingAccountPassword()
    context = TenantContext(
        tenant_id=invitation.tenant_id,
        tenant_path=invitation.tenant_path,
        role=Role(invitation.role),
        user_id=user.id,
        subject=str(user.id),
    )
    act_as(session, context, login_user=str(user.id))
    accounts = AccountRepository(session, context)
    tenant = session.get(Tenant, invitation.tenant_id)
    if tenant is None or not tenant.active:
        raise TenantInactive()
    membership = accounts.live_membership(tenant.id, user.id, invitation.role)
    if membership is None:
        membership = Membership(
            tenant_id=tenant.id,
            id=uuid.uuid4(),
            tenant_path=tenant.path,
            user_id=user.id,
            role=invitation.role,
            granted_by=invitation.invited_by,
        )
        accounts.add(membership)
        _publish_membership(session, user, membership, tenant, registered, invitation.external_ref)
    invitation.accepted_at = now()
    invitation.accepted_user_id = user.id
    session.flush()
    record(
        AuditRepository(session, context),
        Actor(context, ip),
        tenant_id=tenant.id,
        tenant_path=tenant.path,
        action="invitation.accepted",
        target_type="invitation",
        target_id=invitation.id,
        role=invitation.role,
        new_account=registered,
    )
    return AuthService(session, settings).issue_for(user, membership, tenant)


def _publish_membership(
    session: Session,
    user: User,
    membership: Membership,
    tenant: Tenant,
    registered: bool,
    external_ref: str | None = None,
) -> None:
    if registered:
        messaging.publish(
            session,
            events.USER_REGISTERED,
            events.UserRegisteredV1(user_id=user.id, display_name=user.display_name),
            subject=user.id,
            tenant_id=tenant.id,
            tenant_path=tenant.path,
        )
    messaging.publish(
        session,
        events.MEMBERSHIP_GRANTED,
        events.MembershipGrantedV1(
            membership_id=membership.id,
            user_id=user.id,
            tenant_id=tenant.id,
            role=membership.role,
            display_name=user.display_name,
            external_ref=external_ref,
        ),
        subject=user.id,
        tenant_id=tenant.id,
        tenant_path=tenant.path,
    )


def _membership_out(membership: Membership, user: User) -> MembershipOut:
    return MembershipOut(
        id=membership.id,
        tenant_id=membership.tenant_id,
        user_id=user.id,
        email=user.email,
        phone=user.phone,
        display_name=user.display_name,
        role=Role(membership.role),
        created_at=membership.created_at,
        revoked_at=membership.revoked_at,
    )


def grant_membership(
    session: Session, actor: Actor, user: User, tenant: Tenant, role: Role, registered: bool
) -> Membership:
    """The seed and the CLI give roles directly, without an invitation."""
    membership = Membership(
        tenant_id=tenant.id, id=uuid.uuid4(), tenant_path=tenant.path, user_id=user.id, role=role.value
    )
    AccountRepository(session, actor.context).add(membership)
    _publish_membership(session, user, membership, tenant, registered)
    return membership
