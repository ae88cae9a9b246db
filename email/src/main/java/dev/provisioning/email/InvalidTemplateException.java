package dev.provisioning.email;

/**
 * The welcome email's templates cannot be used: a file is missing or does not parse, a template uses a variable
 * the renderer does not provide, or the default locale has no templates. Thrown when the templates are loaded (a
 * function's start-up), so a broken template fails the deployment's first invocation instead of each user's email.
 */
public final class InvalidTemplateException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    InvalidTemplateException(String message) {
        super(message);
    }

    InvalidTemplateException(String message, Throwable cause) {
        super(message, cause);
    }
}
