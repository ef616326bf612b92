from django.contrib import admin

admin.site.site_header = "EvalBase administration"
admin.site.site_title = "EvalBase admin"
admin.site.site_url = "/"
