from django.apps import AppConfig


class FilestoreConfig(AppConfig):
    name = "govmedia.filestore"
    label = "filestore"
    verbose_name = "文件存储"
