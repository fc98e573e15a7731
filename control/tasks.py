"""The queue task of one proof's check (the owner's 立即检查 button)."""
from django_tasks import task
from accounts.models import User
from .models import Proof
from .services import verify


@task(queue_name="scheduled")
def verify_task(proof_id: int, user_id: int | None = None) -> str:
    proof = Proof.objects.filter(pk=proof_id).first()
    if proof is None:
        return "gone"
    user = User.objects.filter(pk=user_id).first() if user_id else None
    return verify(proof, user=user).note
