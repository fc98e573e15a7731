"""Give an ops user (is_staff) a TOTP device, the second factor of /ops-admin/, and print the
otpauth:// link and the secret to enter in an authenticator app. Replaces an earlier device."""
import base64

from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


class Command(BaseCommand):
    help = "为运维人员生成动态验证码（TOTP）设备，打印 otpauth 链接和密钥（只显示一次）。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username, **options):
        user = User.objects.filter(username__iexact=username.strip(), is_staff=True).first()
        if user is None:
            raise CommandError(f"运维人员 {username} 不存在（须为可登录管理后台的用户）。")
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice.objects.create(user=user, name="运维管理", confirmed=True)
        secret = base64.b32encode(device.bin_key).decode()
        self.stdout.write(f"已为 {user.username} 生成动态验证码设备。请在身份验证器应用中添加（只显示这一次）：")
        self.stdout.write(f"密钥：{secret}")
        self.stdout.write(f"链接：{device.config_url}")
